"""Paged listings of chains, segments, enterprises, parks and regions (cursor paging, text filter)."""
