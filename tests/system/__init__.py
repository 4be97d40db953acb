"""System tests: crash and kill -9, concurrency, remote SPARQL servers, HTTP over uvicorn, browser, fuzz, the CLI end to end, Dask."""
