"""The BPMN engine layer: SpiffWorkflow 3.2.0 with Oportuna's safety fixes.

Nothing outside this package imports SpiffWorkflow. The rest of the product
speaks to the engine through `oportuna.processes.services`.
"""
