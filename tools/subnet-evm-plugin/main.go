// Command subnet-evm is subnet-evm v0.7.9's own VM (plugin/evm), served to avalanchego as its
// plugin. It is subnet-evm's plugin/main.go without one step: that one raises the open-files limit
// to 32768 and exits when it cannot, and this machine's hard limit is 20000. avalanchego's
// --fd-limit sets the limit the node and its plugins run under.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/ava-labs/avalanchego/version"
	"github.com/ava-labs/avalanchego/vms/rpcchainvm"

	"github.com/ava-labs/subnet-evm/plugin/evm"
	"github.com/ava-labs/subnet-evm/plugin/runner"
)

func main() {
	printVersion, err := runner.PrintVersion()
	if err != nil {
		fmt.Printf("couldn't get config: %s", err)
		os.Exit(1)
	}
	if printVersion {
		fmt.Printf("Subnet-EVM/%s [AvalancheGo=%s, rpcchainvm=%d]\n", evm.Version, version.Current, version.RPCChainVMProtocol)
		os.Exit(0)
	}
	rpcchainvm.Serve(context.Background(), &evm.VM{})
}
