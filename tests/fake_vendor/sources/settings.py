"""Fakevendor: one feedback list endpoint; the vendor's declaration for the registry."""

from sources.common.vendor import VendorSpec

NAME = "fakevendor"
ENV_PREFIX = "SOURCES__FAKEVENDOR"
ITEMS_PATH = "/items"
ITEMS_ENDPOINT = "GET /items"

VENDOR = VendorSpec(
    name=NAME,
    label="Fakevendor",
    env_prefix=ENV_PREFIX,
    default_base_url="https://api.fakevendor.example",
    source="sources.fakevendor:fakevendor_source",
    check_credentials="sources.fakevendor.helpers:check_credentials",
    sandbox="sandbox.fakevendor:SANDBOX",
    dbt_entities=("feedback", "vote_observations", "deletions"),
)
