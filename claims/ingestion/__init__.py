"""Ingestion: articles in (URL, pasted text, feeds), fetched safely, their main text extracted."""
