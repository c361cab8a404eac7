"""What crosses Temporal: workflow and activity inputs and outputs, names and statuses.

The API, the workflows and the activities all read these from here, so none reaches into
another's package for them. Import-light on purpose (pydantic and geo only): workflows pass it
through their sandbox.
"""
