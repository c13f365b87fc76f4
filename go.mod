module github.com/sfprov/sfprov

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	github.com/simpleforce/simpleforce v0.0.0-20220429021116-acf4ac67ef68 // indirect
	github.com/spf13/cobra v1.10.2 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/oauth2 v0.37.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
