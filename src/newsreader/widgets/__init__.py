"""The reader's widgets, one family per module, each module named after its class."""
