"""The ritual engine: pure Python, no Alexa types. It decides what is said, by whom, and how long to wait."""
