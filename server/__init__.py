"""The web service, the store back ends and the command line."""
