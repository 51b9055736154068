"""Local stand-ins of the vendor APIs (see sandbox.server for the framework, sandbox.featurebase for Featurebase)."""
