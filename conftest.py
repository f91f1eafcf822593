"""Root pytest setup, shared by tests/ and the nbval run over workshops/: data goes to a throw-away folder."""

import os
import tempfile

os.environ["CLIENTELITIS_VAR"] = tempfile.mkdtemp(prefix="clientelitis-test-")
os.environ.pop("CLIENTELITIS_DB_URL", None)
os.environ.pop("CLIENTELITIS_PUBLIC_URL", None)
# Tests create rooms from the welcome page by the dozen (the hostile corpus): the limit has a test of its own.
os.environ["CLIENTELITIS_ROOMS_PER_MINUTE"] = "100000"
