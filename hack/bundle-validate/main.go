// Command bundle-validate runs operator-framework's bundle validators over an OLM bundle
// directory (manifests/ and metadata/) and exits non-zero on any error, unlike
// `operator-verify`, which only logs them. Warnings are printed and do not fail.
//
//	bundle-validate <bundle-dir> [k8s-version]
package main

import (
	"fmt"
	"os"

	"github.com/operator-framework/api/pkg/manifests"
	"github.com/operator-framework/api/pkg/validation"
	interfaces "github.com/operator-framework/api/pkg/validation/interfaces"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: bundle-validate <bundle-dir> [k8s-version]")
		os.Exit(2)
	}
	bundle, err := manifests.GetBundleFromDir(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: reading bundle %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	// The default suite plus the OperatorHub suite (what `operator-sdk bundle validate
	// --select-optional suite=operatorframework` runs).
	validators := interfaces.Validators{}
	validators = append(validators, validation.DefaultBundleValidators...)
	validators = append(validators,
		validation.OperatorHubV2Validator,
		validation.StandardCapabilitiesValidator,
		validation.StandardCategoriesValidator,
		validation.ObjectValidator,
		validation.GoodPracticesValidator,
		validation.AlphaDeprecatedAPIsValidator,
	)
	objs := bundle.ObjectsToValidate()
	if len(os.Args) > 2 {
		objs = append(objs, map[string]string{"k8s-version": os.Args[2]})
	}
	errors, warnings := 0, 0
	for _, result := range validators.Validate(objs...) {
		for _, e := range result.Errors {
			errors++
			fmt.Printf("ERROR %s: %s\n", result.Name, e.Error())
		}
		for _, w := range result.Warnings {
			warnings++
			fmt.Printf("WARN  %s: %s\n", result.Name, w.Error())
		}
	}
	fmt.Printf("bundle %s: %d errors, %d warnings\n", bundle.Name, errors, warnings)
	if errors > 0 {
		os.Exit(1)
	}
}
