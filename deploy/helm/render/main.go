// Command render renders a Helm chart's templates the way `helm template` does, for the chart
// test (scripts/test-deploy) on machines where the helm binary cannot be installed.
//
// It uses the same engine as Helm: Go's text/template with the sprig function library, plus
// Helm's own functions (include, tpl, required, fail, toYaml, fromYaml, toJson, lookup). It
// builds from Debian's packages alone, in GOPATH mode (GO111MODULE=off):
// golang-go, golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev.
//
// Usage: render [-f values.yaml]... [--set a.b=c]... [--name RELEASE] [--namespace NS] CHART_DIR
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"gopkg.in/yaml.v3"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var files, sets multi
	flag.Var(&files, "f", "a values file merged over the chart's values.yaml (repeatable)")
	flag.Var(&sets, "set", "a value: dotted.key=value (repeatable)")
	name := flag.String("name", "agentry", "release name")
	namespace := flag.String("namespace", "default", "release namespace")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: render [-f values.yaml]... [--set k=v]... CHART_DIR")
		os.Exit(2)
	}
	out, err := render(flag.Arg(0), files, sets, *name, *namespace)
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func readYAML(path string) (map[string]interface{}, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	values := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &values); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return values, nil
}

// merge copies src over dst, recursing into maps, as Helm merges values files.
func merge(dst, src map[string]interface{}) {
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dst[k].(map[string]interface{}); ok {
				merge(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// parseScalar reads a --set value as Helm does: booleans, integers and null, else a string.
func parseScalar(s string) interface{} {
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	return s
}

func set(values map[string]interface{}, assignment string) error {
	key, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("--set %q: want key=value", assignment)
	}
	parts := strings.Split(key, ".")
	m := values
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = parseScalar(value)
	return nil
}

func toYAML(v interface{}) string {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func render(chartDir string, files, sets []string, name, namespace string) (string, error) {
	chart, err := readYAML(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	values, err := readYAML(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		extra, err := readYAML(f)
		if err != nil {
			return "", err
		}
		merge(values, extra)
	}
	for _, s := range sets {
		if err := set(values, s); err != nil {
			return "", err
		}
	}
	// Helm exposes Chart.yaml's keys capitalised (.Chart.Name, .Chart.AppVersion).
	chartTop := map[string]interface{}{}
	for k, v := range chart {
		chartTop[strings.ToUpper(k[:1])+k[1:]] = v
	}
	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartTop,
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30"},
		},
	}

	paths, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	root := template.New("chart")
	funcs := sprig.TxtFuncMap()
	// As Helm: no access to the renderer's environment.
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["toJson"] = func(v interface{}) string { b, _ := json.Marshal(v); return string(b) }
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		_ = yaml.Unmarshal([]byte(s), &m)
		return m
	}
	funcs["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil || v == "" {
			return nil, errors.New(msg)
		}
		return v, nil
	}
	funcs["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	funcs["lookup"] = func(...interface{}) map[string]interface{} { return map[string]interface{}{} }
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf bytes.Buffer
		err := root.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		err = t.Execute(&buf, data)
		return buf.String(), err
	}
	// Helm's strict mode: a missing map key is an error only through `required`; else empty.
	root = root.Funcs(funcs).Option("missingkey=zero")

	var rendered []string
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		rel := filepath.Join(filepath.Base(chartDir), "templates", filepath.Base(p))
		if _, err := root.New(rel).Parse(string(text)); err != nil {
			return "", err
		}
		base := filepath.Base(p)
		if strings.HasPrefix(base, "_") || strings.HasSuffix(base, ".txt") {
			continue
		}
		rendered = append(rendered, rel)
	}
	var out strings.Builder
	for _, rel := range rendered {
		var buf bytes.Buffer
		scoped := map[string]interface{}{}
		for k, v := range top {
			scoped[k] = v
		}
		scoped["Template"] = map[string]interface{}{"Name": rel, "BasePath": filepath.Dir(rel)}
		if err := root.ExecuteTemplate(&buf, rel, scoped); err != nil {
			return "", err
		}
		// missingkey=zero prints absent values as "<no value>"; Helm prints nothing.
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", rel, strings.TrimSpace(text))
	}
	return out.String(), nil
}
