"""The supplyopt HTTP service (FastAPI): live warehouse stock, plan jobs, approvals.

Start it with ``supplyopt serve``; build the app in code with
:func:`supplyopt_service.app.create_app`. The library never imports this package.
"""
