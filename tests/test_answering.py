"""Answering: the pure pieces of composing a cited answer (no model needed)."""

from __future__ import annotations

from assistant.answering import compose


def test_compose_numbers_markers_in_order_and_dates_sources() -> None:
    assert compose([("A.", "2020-08"), ("B.", "2020-08")]) == "A. [1] B. [2]"
    assert compose([("Later.", "2020-08"), ("Earlier.", "2019-11")]) == (
        "In November 2019: Earlier. [1] By August 2020: Later. [2]")
    assert compose([("Undated.", ""), ("Dated.", "2019-11")]) == "Dated. [1] Undated. [2]"
