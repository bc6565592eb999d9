// Copyright (c) 2026 runnerops maintainers
// GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
// SPDX-License-Identifier: GPL-3.0-or-later

// runner-source reads the source of GitLab Runner's Go module (gitlab.com/gitlab-org/gitlab-runner, as `go mod
// download` unpacks it) with go/parser and go/ast only: the module itself is never built or imported.
//
//	runner-source schema -module DIR [-version V] [-meta schema_meta.json] [-o FILE]
//	    writes plugins/module_utils/config_toml_schema.py: every config.toml table and key, read from the
//	    `toml` tags of the structs under Config (common/config.go and the packages it uses), with its type word,
//	    its nesting (dotted section names) and its deprecated markers (the structs' own "Deprecated" comments
//	    and descriptions); what the source cannot tell (the words' explanations, keys removed in earlier
//	    releases) comes from schema_meta.json beside this file.
//
//	runner-source tables -module DIR FILE...
//	    prints, as JSON, the table-driven test data of each FILE (relative to the module): every slice or map
//	    literal assigned to a variable (test tables such as `tests := map[string]struct{...}{...}`, package
//	    level data such as `var Services = []ServiceDescription{...}`), each row evaluated to JSON, and the
//	    calls each function makes with their arguments (for tests that are a call and an assertion).
//
// Values that are not constants (a function call, a variable) are given as {"$call": ..., "args": [...]},
// {"$ident": name} or {"$expr": source}; struct literals become objects keyed by the Go field names.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const modulePath = "gitlab.com/gitlab-org/gitlab-runner"

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "schema":
		err = runSchema(os.Args[2:])
	case "tables":
		err = runTables(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "runner-source:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: runner-source schema -module DIR [-version V] [-meta FILE] [-o FILE]\n"+
		"       runner-source tables -module DIR FILE...")
	os.Exit(2)
}

// ---------------------------------------------------------------------------------------------------------------
// Ordered JSON objects

type object struct {
	keys   []string
	values map[string]any
}

func newObject() *object { return &object{values: map[string]any{}} }

func (o *object) set(key string, value any) {
	if _, ok := o.values[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.values[key] = value
}

func (o *object) get(key string) (any, bool) {
	value, ok := o.values[key]
	return value, ok
}

func (o *object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, key := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := marshal(key)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := marshal(o.values[key])
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// decodeOrdered reads JSON keeping the order of object keys (objects become *object, arrays []any).
func decodeOrdered(raw []byte) (any, error) {
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	return decodeValue(decoder)
}

func decodeValue(decoder *json.Decoder) (any, error) {
	token, err := decoder.Token()
	if err != nil {
		return nil, err
	}
	switch token {
	case json.Delim('{'):
		result := newObject()
		for decoder.More() {
			key, err := decoder.Token()
			if err != nil {
				return nil, err
			}
			value, err := decodeValue(decoder)
			if err != nil {
				return nil, err
			}
			result.set(key.(string), value)
		}
		_, err = decoder.Token()
		return result, err
	case json.Delim('['):
		items := []any{}
		for decoder.More() {
			value, err := decodeValue(decoder)
			if err != nil {
				return nil, err
			}
			items = append(items, value)
		}
		_, err = decoder.Token()
		return items, err
	}
	return token, nil
}

func marshal(value any) ([]byte, error) {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ---------------------------------------------------------------------------------------------------------------
// Packages of the module

type pkg struct {
	dir     string // relative to the module root, "" for the root
	name    string
	files   []*ast.File
	names   map[*ast.File]string // file -> path relative to the module root
	byName  map[string]*ast.File
	types   map[string]*typeDecl
	consts  map[string]*valueDecl
	vars    map[string]*valueDecl
	imports map[*ast.File]map[string]string
}

type typeDecl struct {
	spec *ast.TypeSpec
	file *ast.File
	pkg  *pkg
}

type valueDecl struct {
	value ast.Expr
	file  *ast.File
}

type loader struct {
	root  string
	fset  *token.FileSet
	cache map[string]*pkg
	tests bool
}

func newLoader(root string, tests bool) *loader {
	return &loader{root: root, fset: token.NewFileSet(), cache: map[string]*pkg{}, tests: tests}
}

func (l *loader) load(dir string) (*pkg, error) {
	if p, ok := l.cache[dir]; ok {
		return p, nil
	}
	entries, err := os.ReadDir(filepath.Join(l.root, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	p := &pkg{
		dir: dir, names: map[*ast.File]string{}, byName: map[string]*ast.File{}, types: map[string]*typeDecl{},
		consts: map[string]*valueDecl{}, vars: map[string]*valueDecl{}, imports: map[*ast.File]map[string]string{},
	}
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() || !strings.HasSuffix(name, ".go") || (!l.tests && strings.HasSuffix(name, "_test.go")) {
			continue
		}
		rel := path.Join(dir, name)
		file, err := parser.ParseFile(l.fset, filepath.Join(l.root, filepath.FromSlash(rel)), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		// An external test package (package x_test) is a package of its own: its names are kept apart.
		if p.name == "" || !strings.HasSuffix(file.Name.Name, "_test") {
			p.name = strings.TrimSuffix(file.Name.Name, "_test")
		}
		p.files = append(p.files, file)
		p.names[file] = rel
		p.byName[rel] = file
		p.imports[file] = fileImports(file)
		for _, decl := range file.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gen.Specs {
				switch spec := spec.(type) {
				case *ast.TypeSpec:
					if _, seen := p.types[spec.Name.Name]; !seen {
						p.types[spec.Name.Name] = &typeDecl{spec: spec, file: file, pkg: p}
					}
				case *ast.ValueSpec:
					for i, ident := range spec.Names {
						if i >= len(spec.Values) {
							break
						}
						target := p.vars
						if gen.Tok == token.CONST {
							target = p.consts
						}
						target[ident.Name] = &valueDecl{value: spec.Values[i], file: file}
					}
				}
			}
		}
	}
	l.cache[dir] = p
	return p, nil
}

func fileImports(file *ast.File) map[string]string {
	imports := map[string]string{}
	for _, spec := range file.Imports {
		importPath, _ := strconv.Unquote(spec.Path.Value)
		name := path.Base(importPath)
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = importPath
	}
	return imports
}

// moduleDir returns the directory of an import path inside the module, or false.
func moduleDir(importPath string) (string, bool) {
	if importPath == modulePath {
		return "", true
	}
	if strings.HasPrefix(importPath, modulePath+"/") {
		return strings.TrimPrefix(importPath, modulePath+"/"), true
	}
	return "", false
}

func (l *loader) lookupSelector(p *pkg, file *ast.File, sel *ast.SelectorExpr) (*typeDecl, string) {
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return nil, ""
	}
	importPath := p.imports[file][x.Name]
	qualified := x.Name + "." + sel.Sel.Name
	dir, inModule := moduleDir(importPath)
	if !inModule {
		return nil, qualified
	}
	other, err := l.load(dir)
	if err != nil {
		return nil, qualified
	}
	return other.types[sel.Sel.Name], other.name + "." + sel.Sel.Name
}

func exprString(fset *token.FileSet, expr ast.Node) string {
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, fset, expr); err != nil {
		return fmt.Sprintf("%T", expr)
	}
	return buf.String()
}

// ---------------------------------------------------------------------------------------------------------------
// schema

// schemaMeta is schema_meta.json: what the source cannot tell.
type schemaMeta struct {
	Comment        string            `json:"comment"`
	Description    string            `json:"description"`
	TypeVocabulary json.RawMessage   `json:"type_vocabulary"`
	Notes          []string          `json:"notes"`
	HowToValidate  string            `json:"how_to_validate"`
	SpecialTypes   map[string]string `json:"special_types"`
	ExternalTypes  map[string]string `json:"external_types"`
	Removed        json.RawMessage   `json:"removed"`
}

type resolvedType struct {
	word   string
	fields *ast.StructType // the struct of a table or of an array-of-tables element
	pkg    *pkg
	file   *ast.File
}

type schemaGen struct {
	loader       *loader
	meta         schemaMeta
	sections     *object // section -> *object(key -> type word)
	deprecated   *object // section -> *object(key -> reason)
	sourceFiles  map[string]bool
	usedSpecial  map[string]bool
	unknownTypes map[string]bool
}

var basicWords = map[string]string{
	"string": "string", "bool": "bool",
	"int": "int", "int8": "int", "int16": "int", "int32": "int", "int64": "int",
	"uint": "int", "uint8": "int", "uint16": "int", "uint32": "int", "uint64": "int",
	"float32": "float", "float64": "float", "any": "any",
}

func (g *schemaGen) resolve(expr ast.Expr, p *pkg, file *ast.File, depth int) resolvedType {
	if depth > 20 {
		return resolvedType{word: exprString(g.loader.fset, expr)}
	}
	switch t := expr.(type) {
	case *ast.StarExpr:
		return g.resolve(t.X, p, file, depth+1)
	case *ast.ParenExpr:
		return g.resolve(t.X, p, file, depth+1)
	case *ast.Ident:
		if word, ok := basicWords[t.Name]; ok {
			return resolvedType{word: word}
		}
		if decl, ok := p.types[t.Name]; ok {
			return g.named(decl, p.name+"."+t.Name, depth)
		}
		g.unknownTypes[t.Name] = true
		return resolvedType{word: t.Name}
	case *ast.SelectorExpr:
		decl, qualified := g.loader.lookupSelector(p, file, t)
		switch qualified {
		case "time.Duration":
			return resolvedType{word: "duration-string"}
		case "time.Time":
			return resolvedType{word: "datetime"}
		}
		if word, ok := g.meta.SpecialTypes[qualified]; ok {
			g.usedSpecial[qualified] = true
			return resolvedType{word: word}
		}
		if decl != nil {
			return g.named(decl, qualified, depth)
		}
		if word, ok := g.meta.ExternalTypes[qualified]; ok {
			g.usedSpecial[qualified] = true
			return resolvedType{word: word}
		}
		// A type of another module (Kubernetes' api.Capability...): its name is the word.
		return resolvedType{word: qualified}
	case *ast.ArrayType:
		element := g.resolve(t.Elt, p, file, depth+1)
		if element.word == "table" {
			element.word = "array-of-tables"
			return element
		}
		return resolvedType{word: "list[" + element.word + "]"}
	case *ast.MapType:
		value := g.resolve(t.Value, p, file, depth+1)
		return resolvedType{word: "map[string]" + value.word}
	case *ast.InterfaceType:
		return resolvedType{word: "any"}
	case *ast.StructType:
		return resolvedType{word: "table", fields: t, pkg: p, file: file}
	}
	return resolvedType{word: exprString(g.loader.fset, expr)}
}

func (g *schemaGen) named(decl *typeDecl, qualified string, depth int) resolvedType {
	if word, ok := g.meta.SpecialTypes[qualified]; ok {
		g.usedSpecial[qualified] = true
		return resolvedType{word: word}
	}
	return g.resolve(decl.spec.Type, decl.pkg, decl.file, depth+1)
}

func tomlName(field *ast.Field) (name string, tagged bool, skip bool) {
	if field.Tag == nil {
		return "", false, false
	}
	tag, err := strconv.Unquote(field.Tag.Value)
	if err != nil {
		return "", false, false
	}
	value, ok := reflect.StructTag(tag).Lookup("toml")
	if !ok {
		return "", false, false
	}
	name, _, _ = strings.Cut(value, ",")
	return name, true, name == "-"
}

func description(field *ast.Field) string {
	if field.Tag == nil {
		return ""
	}
	tag, _ := strconv.Unquote(field.Tag.Value)
	return reflect.StructTag(tag).Get("description")
}

var deprecatedWord = regexp.MustCompile(`(?i)\bdeprecated\b:?`)

// deprecation returns why a field is deprecated, from its doc comment ("Deprecated: use X"), its description tag
// or its line comment ("DEPRECATED"), or "".
func deprecation(field *ast.Field) string {
	if field.Doc != nil {
		text := field.Doc.Text()
		if index := strings.Index(text, "Deprecated:"); index >= 0 {
			reason := strings.Join(strings.Fields(text[index+len("Deprecated:"):]), " ")
			if reason == "" {
				reason = "deprecated"
			}
			return reason
		}
	}
	desc := description(field)
	if deprecatedWord.MatchString(desc) {
		return strings.Join(strings.Fields(desc), " ")
	}
	if field.Comment != nil && deprecatedWord.MatchString(field.Comment.Text()) {
		return strings.Join(strings.Fields(field.Comment.Text()), " ")
	}
	return ""
}

func childSection(section, key string) string {
	if section == "global" {
		return key
	}
	return section + "." + key
}

func (g *schemaGen) section(name string) *object {
	if existing, ok := g.sections.get(name); ok {
		return existing.(*object)
	}
	keys := newObject()
	g.sections.set(name, keys)
	return keys
}

type child struct {
	section string
	typ     resolvedType
}

func (g *schemaGen) walk(section string, st *ast.StructType, p *pkg, file *ast.File, depth int) error {
	if depth > 30 {
		return fmt.Errorf("section %s nests too deep: a recursive struct?", section)
	}
	g.sourceFiles[p.names[file]] = true
	keys := g.section(section)
	children, err := g.fields(section, keys, st, p, file, depth)
	if err != nil {
		return err
	}
	for _, c := range children {
		if err := g.walk(c.section, c.typ.fields, c.typ.pkg, c.typ.file, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (g *schemaGen) fields(section string, keys *object, st *ast.StructType, p *pkg, file *ast.File, depth int) ([]child, error) {
	var children []child
	for _, field := range st.Fields.List {
		name, tagged, skip := tomlName(field)
		if skip {
			continue
		}
		if len(field.Names) == 0 && name == "" {
			// An embedded struct without a toml name: BurntSushi/toml reads its fields as the outer table's.
			embedded := g.resolve(field.Type, p, file, 0)
			if embedded.word != "table" {
				continue
			}
			g.sourceFiles[embedded.pkg.names[embedded.file]] = true
			more, err := g.fields(section, keys, embedded.fields, embedded.pkg, embedded.file, depth+1)
			if err != nil {
				return nil, err
			}
			children = append(children, more...)
			continue
		}
		names := field.Names
		if len(names) == 0 {
			names = []*ast.Ident{ast.NewIdent(exprString(g.loader.fset, field.Type))}
		}
		for _, ident := range names {
			if !ident.IsExported() {
				continue
			}
			key := name
			if !tagged || key == "" {
				key = ident.Name
			}
			typ := g.resolve(field.Type, p, file, 0)
			keys.set(key, typ.word)
			if reason := deprecation(field); reason != "" {
				var marks *object
				if existing, ok := g.deprecated.get(section); ok {
					marks = existing.(*object)
				} else {
					marks = newObject()
					g.deprecated.set(section, marks)
				}
				marks.set(key, reason)
			}
			if typ.word == "table" || typ.word == "array-of-tables" {
				children = append(children, child{section: childSection(section, key), typ: typ})
			}
		}
	}
	return children, nil
}

func runSchema(args []string) error {
	flags := flag.NewFlagSet("schema", flag.ExitOnError)
	moduleRoot := flags.String("module", "", "the module's directory (as go mod download -json gives it as Dir)")
	version := flags.String("version", "", "the module version (default: what follows @ in the directory's name)")
	metaPath := flags.String("meta", "", "schema_meta.json (default: the one beside this program's source)")
	output := flags.String("o", "", "write the Python file here instead of standard output")
	_ = flags.Parse(args)
	if *moduleRoot == "" {
		return fmt.Errorf("schema needs -module DIR")
	}
	if *version == "" {
		_, after, found := strings.Cut(filepath.Base(*moduleRoot), "@")
		if !found {
			return fmt.Errorf("cannot tell the module version from %s: give -version", *moduleRoot)
		}
		*version = after
	}
	if *metaPath == "" {
		*metaPath = "schema_meta.json"
	}
	raw, err := os.ReadFile(*metaPath)
	if err != nil {
		return err
	}
	g := &schemaGen{
		loader: newLoader(*moduleRoot, false), sections: newObject(), deprecated: newObject(),
		sourceFiles: map[string]bool{}, usedSpecial: map[string]bool{}, unknownTypes: map[string]bool{},
	}
	if err := json.Unmarshal(raw, &g.meta); err != nil {
		return fmt.Errorf("%s: %v", *metaPath, err)
	}
	common, err := g.loader.load("common")
	if err != nil {
		return err
	}
	root, ok := common.types["Config"]
	if !ok {
		return fmt.Errorf("no type Config in %s/common", *moduleRoot)
	}
	st, ok := root.spec.Type.(*ast.StructType)
	if !ok {
		return fmt.Errorf("common.Config is not a struct")
	}
	if err := g.walk("global", st, common, root.file, 0); err != nil {
		return err
	}
	removed, err := g.checkRemoved()
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(g.meta.SpecialTypes, g.meta.ExternalTypes) {
		if !g.usedSpecial[name] {
			fmt.Fprintf(os.Stderr, "runner-source: warning: %s names %s, which no config.toml key uses\n", *metaPath, name)
		}
	}
	for name := range g.unknownTypes {
		return fmt.Errorf("type %s is used by a config struct but declared nowhere in its package", name)
	}
	text, err := g.render(*version, *moduleRoot, removed)
	if err != nil {
		return err
	}
	if *output == "" {
		_, err = os.Stdout.WriteString(text)
		return err
	}
	return os.WriteFile(*output, []byte(text), 0o644)
}

func sortedKeys(maps ...map[string]string) []string {
	var keys []string
	for _, m := range maps {
		for key := range m {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	return keys
}

// checkRemoved reads the removed keys of schema_meta.json, which must not be keys of this source.
func (g *schemaGen) checkRemoved() (*object, error) {
	var removed map[string]map[string]map[string]string
	if err := json.Unmarshal(g.meta.Removed, &removed); err != nil {
		return nil, fmt.Errorf("schema_meta.json removed: %v", err)
	}
	result := newObject()
	for _, section := range sortedMapKeys(removed) {
		keys := newObject()
		for _, key := range sortedMapKeys(removed[section]) {
			if existing, ok := g.sections.get(section); ok {
				if _, present := existing.(*object).get(key); present {
					return nil, fmt.Errorf("schema_meta.json says %s.%s was removed, but this source has it: "+
						"drop it from removed", section, key)
				}
			}
			entry := newObject()
			for _, field := range sortedMapKeys(removed[section][key]) {
				entry.set(field, removed[section][key][field])
			}
			keys.set(key, entry)
		}
		result.set(section, keys)
	}
	return result, nil
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}

var pseudoVersion = regexp.MustCompile(`[-.]([0-9]{14})-([0-9a-f]{12})$`)

func (g *schemaGen) render(version, moduleRoot string, removed *object) (string, error) {
	meta := newObject()
	meta.set("description", g.meta.Description)
	meta.set("source_module", modulePath)
	meta.set("source_ref", version)
	if match := pseudoVersion.FindStringSubmatch(version); match != nil {
		meta.set("source_commit", match[2])
	}
	if data, err := os.ReadFile(filepath.Join(moduleRoot, "VERSION")); err == nil {
		meta.set("source_version_file", strings.TrimSpace(string(data)))
	}
	var files []string
	for name := range g.sourceFiles {
		files = append(files, name)
	}
	sort.Strings(files)
	meta.set("source_files", files)
	decoded, err := decodeOrdered(g.meta.TypeVocabulary)
	vocabulary, ok := decoded.(*object)
	if err != nil || !ok {
		return "", fmt.Errorf("schema_meta.json type_vocabulary is not an object: %v", err)
	}
	meta.set("type_vocabulary", vocabulary)
	meta.set("notes", g.meta.Notes)
	meta.set("how_to_validate", g.meta.HowToValidate)
	meta.set("deprecated", g.deprecated)
	meta.set("removed", removed)

	used := map[string]bool{}
	for _, section := range g.sections.keys {
		for _, word := range g.sections.values[section].(*object).values {
			used[word.(string)] = true
		}
	}
	for word := range used {
		if _, explained := vocabulary.get(word); !explained && !strings.Contains(word, ".") {
			return "", fmt.Errorf("type word %q is not explained in schema_meta.json type_vocabulary", word)
		}
	}

	schema := newObject()
	schema.set("_meta", meta)
	for _, section := range g.sections.keys {
		schema.set(section, g.sections.values[section])
	}
	var out strings.Builder
	out.WriteString(strings.ReplaceAll(pythonHeader, "{version}", version))
	out.WriteString("SCHEMA = ")
	if err := writePython(&out, schema, 0, len("SCHEMA = ")); err != nil {
		return "", err
	}
	out.WriteString("\n")
	return out.String(), nil
}

const pythonHeader = `# Copyright (c) 2026 runnerops maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""PRIVATE to the collection (may change in any release): GitLab Runner config.toml schema: ` + "``{section: {key: type}}``" + ` as data.

Generated: do not edit. ` + "``make schema RUNNER_MODULE_VERSION=<version>``" + ` writes it with
tools/runner-source (` + "``runner-source schema``" + `) from the Go module
gitlab.com/gitlab-org/gitlab-runner@{version}: every table and key of the
structs under ` + "``common.Config``" + ` with its ` + "``toml``" + ` name, type and nesting.
tools/runner-source/schema_meta.json adds what the source cannot tell (the
type words' meanings, notes, keys removed in earlier releases), and
tests/unit/plugins/module_utils/test_config_toml_schema.py regenerates it from
the module and fails when this file differs.

` + "``global``" + ` is the root table, ` + "``runners``" + ` a ` + "``[[runners]]``" + ` entry,
` + "``runners.docker.services``" + ` a ` + "``[[runners.docker.services]]``" + ` entry;
` + "``SCHEMA[\"_meta\"][\"type_vocabulary\"]``" + ` explains the type words,
` + "``SCHEMA[\"_meta\"][\"deprecated\"]``" + ` and ` + "``SCHEMA[\"_meta\"][\"removed\"]``" + ` mark keys by section.
A Python literal, not a JSON file, so that modules running on managed hosts
can import it.
"""

from __future__ import annotations

`

const lineWidth = 120

// writePython writes value as a Python literal; column is where the value starts on its first line.
func writePython(out *strings.Builder, value any, indent int, column int) error {
	pad := strings.Repeat("    ", indent)
	inner := strings.Repeat("    ", indent+1)
	switch v := value.(type) {
	case *object:
		if len(v.keys) == 0 {
			out.WriteString("{}")
			return nil
		}
		out.WriteString("{\n")
		for _, key := range v.keys {
			k, err := marshal(key)
			if err != nil {
				return err
			}
			out.WriteString(inner)
			column := len(inner) + len(k) + 2
			if len(inner)+len(k)+4 > lineWidth {
				// A long section name: adjacent literals cut after dots, in parentheses.
				deeper := strings.Repeat("    ", indent+2)
				out.WriteString("(\n")
				for _, piece := range cutAfter(key, ".", lineWidth-len(deeper)-2) {
					quoted, err := marshal(piece)
					if err != nil {
						return err
					}
					out.WriteString(deeper)
					out.Write(quoted)
					out.WriteString("\n")
				}
				out.WriteString(inner + ")")
				column = len(inner) + 3
			} else {
				out.Write(k)
			}
			out.WriteString(": ")
			if err := writePython(out, v.values[key], indent+1, column); err != nil {
				return err
			}
			out.WriteString(",\n")
		}
		out.WriteString(pad + "}")
	case []string:
		items := make([]any, len(v))
		for i, item := range v {
			items[i] = item
		}
		return writePython(out, items, indent, column)
	case []any:
		if len(v) == 0 {
			out.WriteString("[]")
			return nil
		}
		out.WriteString("[\n")
		for _, item := range v {
			out.WriteString(inner)
			if err := writePython(out, item, indent+1, len(inner)); err != nil {
				return err
			}
			out.WriteString(",\n")
		}
		out.WriteString(pad + "]")
	case string:
		quoted, err := marshal(v)
		if err != nil {
			return err
		}
		// ",\n" follows: the literal and its comma fit the line, or the string is cut at spaces into
		// adjacent literals inside parentheses.
		if column+len(quoted)+1 <= lineWidth {
			out.Write(quoted)
			return nil
		}
		out.WriteString("(\n")
		for _, chunk := range cutAfter(v, " ", lineWidth-len(inner)-3) {
			piece, err := marshal(chunk)
			if err != nil {
				return err
			}
			out.WriteString(inner)
			out.Write(piece)
			out.WriteString("\n")
		}
		out.WriteString(pad + ")")
	default:
		return fmt.Errorf("no Python form for %T", value)
	}
	return nil
}

// cutAfter cuts text after occurrences of sep into pieces of at most width bytes (a longer part stays whole).
func cutAfter(text, sep string, width int) []string {
	var pieces []string
	for len(text) > width {
		cut := strings.LastIndex(text[:width], sep)
		if cut <= 0 {
			cut = strings.Index(text, sep)
			if cut < 0 {
				break
			}
		}
		pieces = append(pieces, text[:cut+len(sep)])
		text = text[cut+len(sep):]
	}
	if text != "" {
		pieces = append(pieces, text)
	}
	return pieces
}

// ---------------------------------------------------------------------------------------------------------------
// tables

type tableReader struct {
	loader *loader
	pkg    *pkg
	file   *ast.File
	path   string
}

func runTables(args []string) error {
	flags := flag.NewFlagSet("tables", flag.ExitOnError)
	moduleRoot := flags.String("module", "", "the module's directory (as go mod download -json gives it as Dir)")
	_ = flags.Parse(args)
	if *moduleRoot == "" || flags.NArg() == 0 {
		return fmt.Errorf("tables needs -module DIR and at least one FILE")
	}
	l := newLoader(*moduleRoot, true)
	files := newObject()
	for _, rel := range flags.Args() {
		rel = path.Clean(filepath.ToSlash(rel))
		p, err := l.load(path.Dir(rel))
		if err != nil {
			return err
		}
		file, ok := p.byName[rel]
		if !ok {
			return fmt.Errorf("%s: no such Go file in the module", rel)
		}
		r := &tableReader{loader: l, pkg: p, file: file, path: rel}
		files.set(rel, r.read())
	}
	result := newObject()
	result.set("module", *moduleRoot)
	result.set("files", files)
	data, err := marshal(result)
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(data, '\n'))
	return err
}

func (r *tableReader) line(node ast.Node) int {
	return r.loader.fset.Position(node.Pos()).Line
}

func (r *tableReader) read() *object {
	tables := []*object{}
	calls := []*object{}
	for _, decl := range r.file.Decls {
		switch decl := decl.(type) {
		case *ast.GenDecl:
			if decl.Tok != token.VAR {
				continue
			}
			for _, spec := range decl.Specs {
				spec := spec.(*ast.ValueSpec)
				for i, ident := range spec.Names {
					if i < len(spec.Values) {
						if table := r.table("", ident.Name, spec.Values[i]); table != nil {
							tables = append(tables, table)
						}
					}
				}
			}
		case *ast.FuncDecl:
			if decl.Body == nil {
				continue
			}
			function := decl.Name.Name
			ast.Inspect(decl.Body, func(node ast.Node) bool {
				switch node := node.(type) {
				case *ast.AssignStmt:
					var names []string
					for _, lhs := range node.Lhs {
						names = append(names, exprString(r.loader.fset, lhs))
					}
					if len(node.Lhs) == len(node.Rhs) {
						for i, lhs := range node.Lhs {
							if ident, ok := lhs.(*ast.Ident); ok {
								if table := r.table(function, ident.Name, node.Rhs[i]); table != nil {
									tables = append(tables, table)
								}
							}
						}
					}
					if len(node.Rhs) == 1 {
						if call, ok := node.Rhs[0].(*ast.CallExpr); ok {
							calls = append(calls, r.call(function, call, names))
						}
					}
				case *ast.ValueSpec:
					for i, ident := range node.Names {
						if i < len(node.Values) {
							if table := r.table(function, ident.Name, node.Values[i]); table != nil {
								tables = append(tables, table)
							}
						}
					}
				case *ast.ExprStmt:
					if call, ok := node.X.(*ast.CallExpr); ok {
						calls = append(calls, r.call(function, call, nil))
					}
				}
				return true
			})
		}
	}
	result := newObject()
	result.set("tables", tables)
	result.set("calls", calls)
	return result
}

func (r *tableReader) call(function string, call *ast.CallExpr, assign []string) *object {
	entry := newObject()
	entry.set("func", function)
	entry.set("line", r.line(call))
	entry.set("callee", exprString(r.loader.fset, call.Fun))
	args := []any{}
	for _, arg := range call.Args {
		args = append(args, r.eval(arg, nil, r.pkg, r.file, 0))
	}
	entry.set("args", args)
	if assign == nil {
		assign = []string{}
	}
	entry.set("assign", assign)
	return entry
}

// table returns the rows of value when it is a slice or map literal (or a call whose one argument is one).
func (r *tableReader) table(function, name string, value ast.Expr) *object {
	via := ""
	if call, ok := value.(*ast.CallExpr); ok && len(call.Args) == 1 {
		via = exprString(r.loader.fset, call.Fun)
		value = call.Args[0]
	}
	lit, ok := value.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var keyType, elemType *typeRef
	kind := ""
	switch t := lit.Type.(type) {
	case *ast.MapType:
		kind, keyType, elemType = "map", &typeRef{t.Key, r.pkg, r.file}, &typeRef{t.Value, r.pkg, r.file}
	case *ast.ArrayType:
		kind, elemType = "slice", &typeRef{t.Elt, r.pkg, r.file}
	default:
		return nil
	}
	rows := []*object{}
	for index, element := range lit.Elts {
		row := newObject()
		if kv, ok := element.(*ast.KeyValueExpr); ok && kind == "map" {
			row.set("key", r.eval(kv.Key, keyType, r.pkg, r.file, 0))
			element = kv.Value
		} else {
			row.set("key", index)
		}
		row.set("line", r.line(element))
		row.set("value", r.eval(element, elemType, r.pkg, r.file, 0))
		rows = append(rows, row)
	}
	table := newObject()
	table.set("func", function)
	table.set("var", name)
	if via != "" {
		table.set("via", via)
	}
	table.set("kind", kind)
	table.set("line", r.line(lit))
	table.set("rows", rows)
	return table
}

// typeRef is a type expression with the package and file it is to be read in.
type typeRef struct {
	expr ast.Expr
	pkg  *pkg
	file *ast.File
}

func expr(kind string, text string) *object {
	o := newObject()
	o.set(kind, text)
	return o
}

// underlying follows named types (in this package or another of the module) to a type literal.
func (r *tableReader) underlying(ref *typeRef, depth int) *typeRef {
	if ref == nil || ref.expr == nil || depth > 10 {
		return ref
	}
	switch t := ref.expr.(type) {
	case *ast.StarExpr:
		return r.underlying(&typeRef{t.X, ref.pkg, ref.file}, depth+1)
	case *ast.ParenExpr:
		return r.underlying(&typeRef{t.X, ref.pkg, ref.file}, depth+1)
	case *ast.Ident:
		if decl, ok := ref.pkg.types[t.Name]; ok {
			return r.underlying(&typeRef{decl.spec.Type, decl.pkg, decl.file}, depth+1)
		}
	case *ast.SelectorExpr:
		if decl, _ := r.loader.lookupSelector(ref.pkg, ref.file, t); decl != nil {
			return r.underlying(&typeRef{decl.spec.Type, decl.pkg, decl.file}, depth+1)
		}
	}
	return ref
}

func (r *tableReader) eval(node ast.Expr, hint *typeRef, p *pkg, file *ast.File, depth int) any {
	fset := r.loader.fset
	if depth > 30 {
		return expr("$expr", exprString(fset, node))
	}
	switch e := node.(type) {
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING, token.CHAR:
			if text, err := strconv.Unquote(e.Value); err == nil {
				return text
			}
		case token.INT:
			if number, err := strconv.ParseInt(strings.ReplaceAll(e.Value, "_", ""), 0, 64); err == nil {
				return number
			}
		case token.FLOAT:
			if number, err := strconv.ParseFloat(strings.ReplaceAll(e.Value, "_", ""), 64); err == nil {
				return number
			}
		}
	case *ast.ParenExpr:
		return r.eval(e.X, hint, p, file, depth+1)
	case *ast.Ident:
		switch e.Name {
		case "true":
			return true
		case "false":
			return false
		case "nil":
			return nil
		}
		// Constants only: a variable's value may have changed (or be shadowed) where it is used.
		if decl, ok := p.consts[e.Name]; ok {
			value := r.eval(decl.value, nil, p, decl.file, depth+1)
			if _, isObject := value.(*object); !isObject {
				return value
			}
		}
		return expr("$ident", e.Name)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			if dir, inModule := moduleDir(p.imports[file][x.Name]); inModule {
				if other, err := r.loader.load(dir); err == nil {
					if decl, ok := other.consts[e.Sel.Name]; ok {
						value := r.eval(decl.value, nil, other, decl.file, depth+1)
						if _, isObject := value.(*object); !isObject {
							return value
						}
					}
				}
			}
		}
	case *ast.UnaryExpr:
		value := r.eval(e.X, hint, p, file, depth+1)
		switch e.Op {
		case token.AND:
			return value
		case token.SUB:
			switch number := value.(type) {
			case int64:
				return -number
			case float64:
				return -number
			}
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			left, leftOK := r.eval(e.X, nil, p, file, depth+1).(string)
			right, rightOK := r.eval(e.Y, nil, p, file, depth+1).(string)
			if leftOK && rightOK {
				return left + right
			}
		}
	case *ast.CallExpr:
		call := newObject()
		call.set("$call", exprString(fset, e.Fun))
		args := []any{}
		for _, arg := range e.Args {
			args = append(args, r.eval(arg, nil, p, file, depth+1))
		}
		call.set("args", args)
		return call
	case *ast.FuncLit:
		return expr("$func", fmt.Sprintf("%s:%d", r.path, r.line(e)))
	case *ast.CompositeLit:
		return r.composite(e, hint, p, file, depth)
	}
	return expr("$expr", exprString(fset, node))
}

func (r *tableReader) composite(lit *ast.CompositeLit, hint *typeRef, p *pkg, file *ast.File, depth int) any {
	ref := hint
	if lit.Type != nil {
		ref = &typeRef{lit.Type, p, file}
	}
	var under ast.Expr
	var typePkg *pkg
	var typeFile *ast.File
	if ref = r.underlying(ref, 0); ref != nil {
		under, typePkg, typeFile = ref.expr, ref.pkg, ref.file
	}
	sub := func(typ ast.Expr) *typeRef {
		if typ == nil {
			return nil
		}
		return &typeRef{typ, typePkg, typeFile}
	}
	switch t := under.(type) {
	case *ast.MapType:
		result := newObject()
		pairs := []any{}
		allStrings := true
		for _, element := range lit.Elts {
			kv, ok := element.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key := r.eval(kv.Key, sub(t.Key), p, file, depth+1)
			value := r.eval(kv.Value, sub(t.Value), p, file, depth+1)
			if text, ok := key.(string); ok {
				result.set(text, value)
			} else {
				allStrings = false
			}
			pairs = append(pairs, []any{key, value})
		}
		if allStrings {
			return result
		}
		return pairs
	case *ast.ArrayType:
		items := []any{}
		for _, element := range lit.Elts {
			if kv, ok := element.(*ast.KeyValueExpr); ok {
				element = kv.Value
			}
			items = append(items, r.eval(element, sub(t.Elt), p, file, depth+1))
		}
		return items
	case *ast.StructType:
		fieldTypes := map[string]ast.Expr{}
		var order []string
		for _, field := range t.Fields.List {
			if len(field.Names) == 0 {
				name := exprString(r.loader.fset, field.Type)
				name = name[strings.LastIndex(name, ".")+1:]
				name = strings.TrimPrefix(name, "*")
				order = append(order, name)
				fieldTypes[name] = field.Type
			}
			for _, ident := range field.Names {
				order = append(order, ident.Name)
				fieldTypes[ident.Name] = field.Type
			}
		}
		result := newObject()
		for index, element := range lit.Elts {
			if kv, ok := element.(*ast.KeyValueExpr); ok {
				name := exprString(r.loader.fset, kv.Key)
				result.set(name, r.eval(kv.Value, sub(fieldTypes[name]), p, file, depth+1))
			} else if index < len(order) {
				result.set(order[index], r.eval(element, sub(fieldTypes[order[index]]), p, file, depth+1))
			}
		}
		return result
	}
	// A type this reader cannot see (another module's): keyed elements as an object, others as a list.
	result := newObject()
	items := []any{}
	for _, element := range lit.Elts {
		if kv, ok := element.(*ast.KeyValueExpr); ok {
			result.set(exprString(r.loader.fset, kv.Key), r.eval(kv.Value, nil, p, file, depth+1))
		} else {
			items = append(items, r.eval(element, nil, p, file, depth+1))
		}
	}
	if len(items) > 0 {
		return items
	}
	return result
}
