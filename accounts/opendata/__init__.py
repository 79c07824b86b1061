"""Open data and discoverability: the register where people and machines already look (the change
feed and its webhooks, sitemaps, structured data, the badge)."""
