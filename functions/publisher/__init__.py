"""The publisher Lambda: render base + overlay, check, store a hosted version when the content changed,
deploy it when it is not deployed yet, one deployment at a time per environment.

``handler.handler`` is the entry point; :func:`functions.publisher.request.render_for_publish` is
the pure render step the synth's byte-identity test calls.
"""
