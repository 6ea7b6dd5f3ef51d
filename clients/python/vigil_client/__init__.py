"""Vigil client: log the predictions of a model you already serve to Vigil's POST /log.

    from vigil_client import VigilClient, mean_pool

    client = VigilClient("http://127.0.0.1:3000", model="reviews", version="1")
    client.create_model_version(labels=["negative", "positive"], embedding_dim=768, text=True, score=True)
    client.log(embedding=vector, label="positive", text=text, score=0.97)
"""

from .client import ClientStats, VigilClient, uuid7
from .pooling import mean_pool
from .sigv4 import Credentials, sign_request
from .transport import VigilError

__all__ = ["ClientStats", "Credentials", "VigilClient", "VigilError", "mean_pool", "sign_request", "uuid7"]
__version__ = "0.1.0"
