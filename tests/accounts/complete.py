"""What a submission needs (accounts.workflow: `needs_fields` of submit), for tests that submit a
channel without being about its fields."""

COMPLETE = {"display_name": "Test account", "languages": ["en"], "description": "News of the entity."}
