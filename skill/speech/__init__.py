"""Turning the engine's script into Alexa SSML, and checking every limit Alexa sets."""
