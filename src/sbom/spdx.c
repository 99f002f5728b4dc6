/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPDX 2.3 JSON document of an image (sbom.h), reproducible: keys in a
 * fixed order, packages sorted by SPDXID, files by name, relationships as
 * whole lines; "created" is SOURCE_DATE_EPOCH, and the documentNamespace is
 * made from the SHA-256 of the document itself (written with the namespace
 * left out), so the same image always gets the same document and a
 * different one a different namespace.
 *
 *   DOCUMENT DESCRIBES the image (its first format); its other formats are
 *   VARIANT_OF it. The image CONTAINS every component; each component
 *   CONTAINS its files (the image the files it made itself). A staged guest
 *   image or kernel in the image is a file that is a COPY_OF that guest's
 *   image or that kernel, which are DESCRIBED_BY the guest's own document
 *   (an external document reference). The image is GENERATED_FROM its
 *   declarations and the kernel source; each kernel from the kernel source,
 *   its configuration and its description files, and its patches are
 *   PATCH_APPLIED to it.
 */
#include "sbom/sbom.h"
#include "shared/fsutil.h"
#include "shared/json.h"
#include "sha256.h"
#include "shared/strbuf.h"
#include "shared/util.h"

#include <errno.h>
#include <stdlib.h>

#define NS_PLACEHOLDER "@VMBUNDLE-NAMESPACE@"
#define NS_BASE "https://vmbundle.invalid/spdx/"

struct lines {
	char **v;
	size_t n;
	struct strmap seen;   /* relationships: each once */
};

static void rel(struct lines *l, const char *a, const char *type, const char *b)
{
	char *line = xasprintf("    { \"spdxElementId\": \"%s\", \"relationshipType\": \"%s\", "
			       "\"relatedSpdxElement\": \"%s\" }", a, type, b);

	if (!strmap_get(&l->seen, line)) {
		strmap_put(&l->seen, line, (void *)1);
		strlist_push(&l->v, &l->n, line);
	}
	free(line);
}

static void checksums(struct strbuf *b, const char *ind, const struct digests *d, bool sha1)
{
	strbuf_printf(b, "%s\"checksums\": [\n", ind);
	if (sha1)
		strbuf_printf(b, "%s  { \"algorithm\": \"SHA1\", \"checksumValue\": \"%s\" },\n", ind, d->sha1);
	strbuf_printf(b, "%s  { \"algorithm\": \"SHA256\", \"checksumValue\": \"%s\" }\n%s],\n", ind,
		      d->sha256, ind);
}

static void no_assertions(struct strbuf *b, const char *ind, bool package)
{
	strbuf_printf(b, "%s\"licenseConcluded\": \"NOASSERTION\",\n", ind);
	if (package)
		strbuf_printf(b, "%s\"licenseDeclared\": \"NOASSERTION\",\n", ind);
	strbuf_printf(b, "%s\"copyrightText\": \"NOASSERTION\"", ind);
}

static char *package_json(const struct component *c)
{
	struct strbuf b = { 0 };
	const char *in = "      ";

	strbuf_puts(&b, "    {\n");
	json_key_string(&b, in, "SPDXID", c->id, true);
	json_key_string(&b, in, "name", c->name, true);
	json_key_string(&b, in, "versionInfo", c->version ? c->version : "NOASSERTION", true);
	if (c->file_name)
		json_key_string(&b, in, "packageFileName", c->file_name, true);
	json_key_string(&b, in, "supplier", c->supplier ? c->supplier : "NOASSERTION", true);
	json_key_string(&b, in, "downloadLocation", "NOASSERTION", true);
	strbuf_printf(&b, "%s\"filesAnalyzed\": false,\n", in);
	if (c->has_digests)
		checksums(&b, in, &c->d, c->d.sha1[0] != '\0');
	if (c->source_info)
		json_key_string(&b, in, "sourceInfo", c->source_info, true);
	if (c->comment)
		json_key_string(&b, in, "comment", c->comment, true);
	if (c->purl) {
		strbuf_printf(&b, "%s\"externalRefs\": [\n%s  { \"referenceCategory\": \"PACKAGE-MANAGER\", "
			      "\"referenceType\": \"purl\", \"referenceLocator\": ", in, in);
		json_string(&b, c->purl);
		strbuf_printf(&b, " }\n%s],\n", in);
	}
	json_key_string(&b, in, "primaryPackagePurpose", c->purpose, true);
	no_assertions(&b, in, true);
	strbuf_puts(&b, "\n    }");
	return strbuf_take(&b);
}

static char *file_json(const char *id, const char *name, const struct digests *d, const char *comment)
{
	struct strbuf b = { 0 };
	const char *in = "      ";
	char *file_name = name[0] == '/' ? xasprintf(".%s", name) : xasprintf("./%s", name);

	strbuf_puts(&b, "    {\n");
	json_key_string(&b, in, "SPDXID", id, true);
	json_key_string(&b, in, "fileName", file_name, true);
	checksums(&b, in, d, true);
	if (comment)
		json_key_string(&b, in, "comment", comment, true);
	no_assertions(&b, in, false);
	strbuf_puts(&b, "\n    }");
	free(file_name);
	return strbuf_take(&b);
}

/* Files sort by fileName: the text after "fileName": is the same shape in each. */
static int by_file_name(const void *a, const void *b)
{
	const char *x = strstr(*(char *const *)a, "\"fileName\""), *y = strstr(*(char *const *)b, "\"fileName\"");

	return strcmp(x, y);
}

/* A build-machine file the image was made from, once per path. */
static const char *source_id(struct lines *files, struct lines *ids, const struct source_file *f,
			     const char *what)
{
	char *id = sbom_id("SPDXRef-Source-", f->shown);

	for (size_t i = 0; i < ids->n; i++)
		if (streq(ids->v[i], id)) {
			free(id);
			return ids->v[i];
		}
	char *json = file_json(id, f->shown, &f->d, what);

	strlist_push(&files->v, &files->n, json);
	free(json);
	strlist_push(&ids->v, &ids->n, id);
	free(id);
	return ids->v[ids->n - 1];
}

static void sort_lines(struct lines *l, int (*cmp)(const void *, const void *))
{
	if (l->n) /* an empty array may be NULL, which qsort must not get */
		qsort(l->v, l->n, sizeof(*l->v), cmp);
}

static void join(struct strbuf *b, const char *key, struct lines *l, bool last)
{
	strbuf_printf(b, "  \"%s\": [\n", key);
	for (size_t i = 0; i < l->n; i++)
		strbuf_printf(b, "%s%s\n", l->v[i], i + 1 < l->n ? "," : "");
	strbuf_printf(b, "  ]%s\n", last ? "" : ",");
}

static void kernel_relationships(const struct sbom *s, const struct component *c, struct lines *rels,
				 struct lines *files, struct lines *ids)
{
	const struct kernel_info *k = &s->kernels[c->kernel];

	if (s->kernel_source >= 0)
		rel(rels, c->id, "GENERATED_FROM", s->comps[s->kernel_source].id);
	rel(rels, c->id, "GENERATED_FROM", source_id(files, ids, &k->config, "the kernel's configuration (deployed)"));
	for (size_t i = 0; i < k->ndescs; i++)
		rel(rels, c->id, "GENERATED_FROM", source_id(files, ids, &k->descs[i], "a kernel description"));
	for (size_t i = 0; i < k->npatches; i++)
		rel(rels, source_id(files, ids, &k->patches[i], "a kernel patch"), "PATCH_APPLIED", c->id);
}

char *spdx_document(const struct sbom *s)
{
	const struct sbom_opts *o = s->o;
	const struct component *image = &s->comps[0];
	struct lines pkgs = { 0 }, files = { 0 }, rels = { 0 }, ids = { 0 }, refs = { 0 };
	struct strbuf b = { 0 };
	char created[32];

	snprintf(created, sizeof(created), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s->datetime, s->datetime + 4,
		 s->datetime + 6, s->datetime + 8, s->datetime + 10, s->datetime + 12);
	rel(&rels, "SPDXRef-DOCUMENT", "DESCRIBES", image->id);
	for (size_t i = 0; i < s->ncomps; i++) {
		const struct component *c = &s->comps[i];
		char *json;

		if (!c->used)
			continue;
		json = package_json(c);
		strlist_push(&pkgs.v, &pkgs.n, json);
		free(json);
		if (c->kind == COMP_IMAGE && i > 0)
			rel(&rels, c->id, "VARIANT_OF", image->id);
		else if (c->kind == COMP_SOURCE)
			rel(&rels, image->id, "GENERATED_FROM", c->id);
		else if (i > 0)
			rel(&rels, image->id, "CONTAINS", c->id);
		if (c->kind == COMP_KERNEL)
			kernel_relationships(s, c, &rels, &files, &ids);
		if (c->kind == COMP_GUEST && c->guest_doc_ns) {
			char *ref = sbom_id("DocumentRef-", c->guest), *line, *target;

			line = xasprintf("    { \"externalDocumentId\": \"%s\", \"spdxDocument\": \"%s\", "
					 "\"checksum\": { \"algorithm\": \"SHA1\", \"checksumValue\": \"%s\" } }",
					 ref, c->guest_doc_ns, c->guest_doc_sha1);
			strlist_push(&refs.v, &refs.n, line);
			target = xasprintf("%s:%s", ref, c->id);
			rel(&rels, c->id, "DESCRIBED_BY", target);
			free(target);
			free(line);
			free(ref);
		}
	}
	for (size_t i = 0; i < s->ndecls; i++)
		rel(&rels, image->id, "GENERATED_FROM", source_id(&files, &ids, &s->decls[i], "a declaration"));
	for (size_t i = 0; i < s->img.n; i++) {
		const struct img_file *f = &s->img.files[i];
		char *id = sbom_id("SPDXRef-File-", f->path), *json = file_json(id, f->path, &f->d, f->comment);

		strlist_push(&files.v, &files.n, json);
		rel(&rels, f->comp >= 0 ? s->comps[f->comp].id : image->id, "CONTAINS", id);
		if (f->copy_of >= 0)
			rel(&rels, id, "COPY_OF", s->comps[f->copy_of].id);
		free(json);
		free(id);
	}
	sort_lines(&pkgs, cmp_strings);
	sort_lines(&files, by_file_name);
	sort_lines(&rels, cmp_strings);
	sort_lines(&refs, cmp_strings);

	strbuf_puts(&b, "{\n");
	json_key_string(&b, "  ", "spdxVersion", "SPDX-2.3", true);
	json_key_string(&b, "  ", "dataLicense", "CC0-1.0", true);
	json_key_string(&b, "  ", "SPDXID", "SPDXRef-DOCUMENT", true);
	json_key_string(&b, "  ", "name", image->name, true);
	json_key_string(&b, "  ", "documentNamespace", NS_PLACEHOLDER, true);
	strbuf_printf(&b, "  \"creationInfo\": {\n    \"created\": \"%s\",\n    \"creators\": [ ", created);
	{
		char *tool = xasprintf("Tool: vmbundle-%s", o->version ? o->version : "unknown");

		json_string(&b, tool);
		free(tool);
	}
	strbuf_puts(&b, " ],\n");
	json_key_string(&b, "    ", "comment", "the files were read back from the image itself; "
			"created is SOURCE_DATE_EPOCH", false);
	strbuf_puts(&b, "  },\n");
	if (refs.n)
		join(&b, "externalDocumentRefs", &refs, false);
	strbuf_printf(&b, "  \"documentDescribes\": [ \"%s\" ],\n", image->id);
	join(&b, "packages", &pkgs, false);
	join(&b, "files", &files, false);
	join(&b, "relationships", &rels, true);
	strbuf_puts(&b, "}\n");

	/* The namespace: the document's own digest (with the placeholder). */
	struct sha256_ctx *h = sha256_new();
	char hex[SHA256_HEX_LEN + 1], *text = strbuf_take(&b), *at = strstr(text, NS_PLACEHOLDER);
	char *ns;

	sha256_update(h, text, strlen(text));
	sha256_finish(h, hex);
	ns = xasprintf("%s%s-%s", NS_BASE, image->name, hex);
	*at = '\0';
	char *doc = xasprintf("%s%s%s", text, ns, at + strlen(NS_PLACEHOLDER));

	free(ns);
	free(text);
	strlist_free(pkgs.v, pkgs.n);
	strlist_free(files.v, files.n);
	strlist_free(rels.v, rels.n);
	strmap_free(&rels.seen);
	strlist_free(ids.v, ids.n);
	strlist_free(refs.v, refs.n);
	return doc;
}

char *spdx_read_namespace(const char *path, char **err)
{
	static const char key[] = "\n  \"documentNamespace\": \"";
	char *text = NULL, *at, *ns = NULL;
	size_t len;
	int e = read_file(path, &text, &len);

	if (e < 0) {
		*err = xasprintf("cannot read '%s': %s; its SBOM is written with its image (make)", path,
				 strerror(-e));
		return NULL;
	}
	at = strstr(text, key);
	if (at) {
		at += strlen(key);
		size_t n = strcspn(at, "\"\n");

		if (at[n] == '"' && n > 0)
			ns = xstrndup(at, n);
	}
	if (!ns)
		*err = xasprintf("%s: no documentNamespace; is it an SPDX document vmbundle wrote?", path);
	free(text);
	return ns;
}
