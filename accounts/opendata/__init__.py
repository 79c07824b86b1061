"""Open data: the register where people and machines already look (change feed, webhooks, and more)."""
