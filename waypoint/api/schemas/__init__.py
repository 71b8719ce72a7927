"""The pydantic schemas of every request and answer of the API, one module per router."""
