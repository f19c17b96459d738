"""What every function needs: its settings from the environment, a JSON logger, the AppConfig calls.

Nothing here imports boto3 at module level: the Lambda runtime provides boto3, but the packaged
zip does not carry it, and the clean-interpreter import test (``tests/lambda_sandbox.py``) proves a
handler imports with only the zip on ``sys.path``. A client is created lazily by
:func:`functions.shared.appconfig.appconfig_client`.
"""
