"""Running sources into the warehouse: accounts, loads, dbt, publish, the CLI and the Prefect flows."""
