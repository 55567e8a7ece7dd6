// Package frontend embeds the built web app (frontend/dist) into the binary.
//
// A fresh clone has only dist/.gitkeep, so the binary still compiles; the
// server then shows a plain page (Placeholder) instead of the app.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS holds the built files, index.html at its root when the app has been built.
var FS fs.FS = mustSub(dist, "dist")

// Placeholder is the page served while no built app is embedded.
//
//go:embed placeholder.html
var Placeholder []byte

// Built reports whether a built app (dist/index.html) is embedded.
func Built() bool {
	_, err := fs.Stat(FS, "index.html")
	return err == nil
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir is a constant embedded above
	}
	return sub
}
