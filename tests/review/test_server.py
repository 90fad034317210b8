"""launch() refuses a folder that holds no run before starting any server."""

from pathlib import Path

import pytest

from claims.review import LaunchError, launch


def test_launch_without_a_run_is_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(LaunchError, match="holds no dataset"):
        launch(str(tmp_path))
