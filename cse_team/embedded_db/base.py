"""Django database backend: PostgreSQL, on the embedded server started on demand."""

from pathlib import Path

from django.db.backends.postgresql import base

from cse_team.embedded_db import ensure_database, ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        server = ensure_server(Path(self.settings_dict["DATA_DIR"]))
        # The configured database, not the one being opened (which is
        # "postgres" for maintenance or test_<name> while testing).
        ensure_database(server, self.settings_dict["EMBEDDED_DATABASE"])
        self.settings_dict["HOST"] = str(server.socket_dir)
        self.settings_dict["PORT"] = str(server.port)
        return super().get_connection_params()
