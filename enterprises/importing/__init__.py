"""Bulk import of registry data from spreadsheets: read, validate every cell, preview, commit in one transaction.

reading.py turns an uploaded file (xlsx or csv in any common Chinese encoding) into a table of text cells;
validation.py checks every row and column at once and produces clean typed frames plus the issues found;
committing.py compares those frames with the registry and upserts them; workbooks.py writes the templates,
error reports and exports. Services (enterprises/services.py) and tasks tie them to ImportJob, the import log.
"""
