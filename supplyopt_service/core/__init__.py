"""Service infrastructure: settings, database, tables, migrations, keys, audit, errors, limits.

Nothing here knows about routes; :mod:`supplyopt_service.deps` turns these into
the FastAPI dependencies the routes declare.
"""
