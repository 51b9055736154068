"""A minimal vendor, kept in the test tree: copied into a copy of the repository by tests/test_registry.py to
prove that a vendor is its own folders plus one registry line. Its files are templates, not imported here."""
