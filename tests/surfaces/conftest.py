"""The adapters' tests talk to the same in-process simulator as the simulator's own tests."""

from tests.llmsim.conftest import sim, sim_server

__all__ = ["sim", "sim_server"]
