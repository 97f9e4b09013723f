"""The project ledger (项目台账): :class:`~chainkg.loaders.ledger.loader.LedgerLoader`."""

from chainkg.loaders.ledger.loader import LEDGER_FILES, LedgerLoader

__all__ = ["LEDGER_FILES", "LedgerLoader"]
