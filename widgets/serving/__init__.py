"""How pages are served: the page kernel and its launcher, the preheated pool, our Voila template, the first
build of a page, the kernel template and its provisioner, the check before serving, and the server's log."""
