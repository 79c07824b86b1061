"""The impostor radar: which not-registered look-alikes the public asks verify about most, and the
accounts the GCO has marked as known impostors (services.py writes, selectors.py reads)."""
