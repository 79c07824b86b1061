"""Importing a register from a spreadsheet: a file of channels is read (files.py, columns.py),
every row planned without writing anything (plan.py), shown as a preview, and registered only
when confirmed (services.py), through the same services as one-by-one registration.

Three doors lead here: the staff area's pages (views.py, urls.py), the API (accounts/api/imports.py)
and `manage.py import_channels`. Nothing in a file is ever fetched: links are read as text.
"""
