"""supplyopt: plan emergency relief logistics within a delivery deadline.

Placeholder package marker on branch issue3 so the checkout is imported
instead of /work/main; the lead's curated API replaces it on merge.
"""
