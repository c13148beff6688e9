# `sam build` calls build-DomainLayer for the layer: the package with its runtime dependencies
# (not the local-runtime or test extras) under python/, the page and document templates under
# templates/ (the layer is unpacked into /opt, hence DAOJIAO_TEMPLATES=/opt/templates).
build-DomainLayer:
	python3 -m pip install --quiet --target "$(ARTIFACTS_DIR)/python" .
	cp -r templates "$(ARTIFACTS_DIR)/templates"
