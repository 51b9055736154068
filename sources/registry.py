"""The vendor registry: one line per vendor package. Each package's `settings.VENDOR` declares the rest
(see sources/common/vendor.py); the CLI, the flows, `status`, the demo, the benchmarks and dbt's vendor list
all derive from this tuple."""

VENDOR_PACKAGES = (
    "sources.featurebase",
    "sources.product7",
    "sources.feedbackkit",
    "sources.usersloop",
)
