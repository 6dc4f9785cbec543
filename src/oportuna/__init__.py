"""Oportuna: sales opportunities driven by BPMN processes."""
