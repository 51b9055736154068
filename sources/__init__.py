"""Vendor sources: one dlt source per API. Sources know their vendor's API and nothing about the warehouse."""
