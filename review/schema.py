"""How the staff API describes itself in OpenAPI, beyond what its views declare."""


def document_lenient_staff_queries(result, generator, request, public):
    """drf-spectacular postprocessing hook: say what the staff queues do with odd query values.

    Their filters read query strings the way HTML forms send them, so an empty value means "no
    filter", and a `page_size` that is not a positive integer is ignored (the default applies).
    The schema says so, so that clients and the fuzzer expect exactly that.
    """
    for path, item in result["paths"].items():
        if not path.startswith("/api/v1/moderation/"):
            continue
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] == "page":
                continue
            parameter["allowEmptyValue"] = True
            if parameter["name"] == "page_size":
                parameter["schema"] = {"type": "string"}
                parameter["description"] = "Results per page, at most 200; a value that is not a positive integer is ignored."
    return result
