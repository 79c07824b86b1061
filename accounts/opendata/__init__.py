"""Open data and discoverability: the register where people and machines already look."""
