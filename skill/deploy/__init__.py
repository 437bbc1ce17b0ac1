"""Operator tools, never imported by the running skill: the Lambda bundle, the ASK CLI project with its manifest,
the committed interaction models, and finding the checkout they work on."""
