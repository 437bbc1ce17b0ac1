"""The Alexa side: thin ask-sdk handlers that read the request, call the engine and render its reply."""
