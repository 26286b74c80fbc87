package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// outFile is one rendered file of a report.
type outFile struct {
	name string
	data []byte
}

// publish writes the files of one week into dir as a set: every file is first written in full
// to a temp file (mode 0666 less the umask, as any other file the user makes, and fsynced),
// and only then are they renamed into place. If a rename fails, the files already renamed are
// put back as they were (the old version, or none), and no temp file is left behind, so
// readers see the old set or the new set, never report.md of one run beside report.json of
// another. (A crash between two renames can still leave a mix; the next run repairs it.)
func publish(dir string, files []outFile) (err error) {
	type step struct {
		target, tmp, backup string
		done                bool
	}
	steps := make([]*step, 0, len(files))
	defer func() {
		for _, s := range steps {
			if s.tmp != "" {
				os.Remove(s.tmp)
			}
			if s.backup != "" {
				if err != nil && s.done {
					os.Rename(s.backup, s.target) // put the old version back
				} else {
					os.Remove(s.backup)
				}
			} else if err != nil && s.done {
				os.Remove(s.target) // there was no old version
			}
		}
	}()
	for _, f := range files {
		s := &step{target: filepath.Join(dir, f.name)}
		steps = append(steps, s)
		if s.tmp, err = writeTemp(dir, f.name, f.data); err != nil {
			return err
		}
	}
	// Keep each old version under a second name, so a failed rename can restore it.
	for _, s := range steps {
		if st, serr := os.Lstat(s.target); serr != nil || !st.Mode().IsRegular() {
			continue // nothing to keep (a folder in the way makes its rename fail below)
		}
		b := tempName(dir, ".old-"+filepath.Base(s.target))
		if lerr := os.Link(s.target, b); lerr == nil {
			s.backup = b
		} else if !errors.Is(lerr, os.ErrNotExist) {
			return fmt.Errorf("publish %s: %w", s.target, lerr)
		}
	}
	for _, s := range steps {
		if err = os.Rename(s.tmp, s.target); err != nil {
			return fmt.Errorf("publish %s (no file of this report was changed): %w", s.target, err)
		}
		s.tmp, s.done = "", true
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // make the renames durable
		d.Close()
	}
	return nil
}

func tempName(dir, base string) string {
	var b [6]byte
	rand.Read(b[:])
	return filepath.Join(dir, base+"."+hex.EncodeToString(b[:])+".tmp")
}

// writeTemp writes data to a new temp file beside name in dir and fsyncs it.
func writeTemp(dir, name string, data []byte) (string, error) {
	path := tempName(dir, ".tmp-"+name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return "", fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return path, nil
}
