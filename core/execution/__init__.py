"""The execution layer: how a job's symbols are spread over workers and supervised.

==============  ===============================================================
module          what it holds
==============  ===============================================================
``engine``      ``ProcessingEngine``: lifecycle, ``process_batch``, progress
``supervisor``  chunking, deadlines, kill/restart, culprit isolation
``worker``      what runs inside a worker: load candles, evaluate, encode results
``warmup``      JIT warm-up and the worker's start-up (death signal, preload)
``backends``    where chunks run: process (default), thread, serial, dask
==============  ===============================================================

Nothing is imported here: workers import :mod:`candlescan.execution.worker` alone and
must not pay for the engine's asyncio and multiprocessing machinery.
"""
