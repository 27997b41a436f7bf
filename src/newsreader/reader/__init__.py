"""The reader's model: what the screen shows, without Textual."""
