"""Readiness benchmark: pre-positioning out-of-sample against a proportional baseline."""
