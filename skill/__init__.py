"""Our Rituals: an Alexa skill that leads couples through short rituals of connection."""
