// Command luxpass-l1 does what luxpass's Avalanche network needs of avalanchego's own Go packages:
// a house's staking certificate and BLS signer key, the network's genesis with the houses as initial
// validators, and the P-chain transactions that create the consortium's L1 (CreateSubnetTx,
// CreateChainTx of subnet-evm, ConvertSubnetToL1Tx), signed and issued by avalanchego's wallet.
// Each subcommand prints one JSON object on stdout; errors go to stderr with exit code 1.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ava-labs/avalanchego/genesis"
	"github.com/ava-labs/avalanchego/ids"
	"github.com/ava-labs/avalanchego/staking"
	"github.com/ava-labs/avalanchego/utils/constants"
	"github.com/ava-labs/avalanchego/utils/crypto/bls/signer/localsigner"
	"github.com/ava-labs/avalanchego/utils/crypto/secp256k1"
	"github.com/ava-labs/avalanchego/utils/formatting/address"
	"github.com/ava-labs/avalanchego/vms/platformvm/signer"
	"github.com/ava-labs/avalanchego/vms/platformvm/txs"
	"github.com/ava-labs/avalanchego/vms/platformvm/warp/message"
	"github.com/ava-labs/avalanchego/vms/secp256k1fx"
	"github.com/ava-labs/avalanchego/wallet/subnet/primary"
)

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: luxpass-l1 keys|p-key|genesis|create-l1 [flags]"))
	}
	commands := map[string]func([]string) (any, error){
		"keys": keys, "p-key": pKey, "genesis": makeGenesis, "create-l1": createL1,
	}
	command, ok := commands[os.Args[1]]
	if !ok {
		fail(fmt.Errorf("unknown subcommand %q", os.Args[1]))
	}
	result, err := command(os.Args[2:])
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "luxpass-l1:", err)
	os.Exit(1)
}

// writeNew writes a secret file that must not exist yet: a key is never overwritten.
func writeNew(path string, data []byte) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := file.Write(data); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

type nodeKeys struct {
	NodeID string                    `json:"nodeID"`
	Signer *signer.ProofOfPossession `json:"signer"`
}

// keys makes a house's staking TLS key and certificate (its node ID) and its BLS signer key in -dir,
// or reads them if they are there already.
func keys(args []string) (any, error) {
	flags := flag.NewFlagSet("keys", flag.ContinueOnError)
	dir := flags.String("dir", "", "folder for staker.key, staker.crt, signer.key")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	keyPath, certPath, signerPath := filepath.Join(*dir, "staker.key"), filepath.Join(*dir, "staker.crt"), filepath.Join(*dir, "signer.key")
	if _, err := os.Stat(certPath); errors.Is(err, os.ErrNotExist) {
		certBytes, keyBytes, err := staking.NewCertAndKeyBytes()
		if err != nil {
			return nil, err
		}
		if err := writeNew(keyPath, keyBytes); err != nil {
			return nil, err
		}
		if err := writeNew(certPath, certBytes); err != nil {
			return nil, err
		}
		blsKey, err := localsigner.New()
		if err != nil {
			return nil, err
		}
		if err := writeNew(signerPath, blsKey.ToBytes()); err != nil {
			return nil, err
		}
	}
	tlsCert, err := staking.LoadTLSCertFromFiles(keyPath, certPath)
	if err != nil {
		return nil, err
	}
	cert, err := staking.ParseCertificate(tlsCert.Leaf.Raw)
	if err != nil {
		return nil, err
	}
	blsKey, err := localsigner.FromFile(signerPath)
	if err != nil {
		return nil, err
	}
	pop, err := signer.NewProofOfPossession(blsKey)
	if err != nil {
		return nil, err
	}
	return nodeKeys{ids.NodeIDFromCert(cert).String(), pop}, nil
}

type pKeyResult struct {
	Address string `json:"address"`
}

// pKey makes a P-chain key in -file (or reads it) and prints its address on -network-id.
func pKey(args []string) (any, error) {
	flags := flag.NewFlagSet("p-key", flag.ContinueOnError)
	file := flags.String("file", "", "the key file")
	networkID := flags.Uint("network-id", 0, "the network id")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	key, err := readOrMakeKey(*file)
	if err != nil {
		return nil, err
	}
	addr, err := address.Format("P", constants.GetHRP(uint32(*networkID)), key.Address().Bytes())
	return pKeyResult{addr}, err
}

func readOrMakeKey(path string) (*secp256k1.PrivateKey, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		key, err := secp256k1.NewPrivateKey()
		if err != nil {
			return nil, err
		}
		if err := writeNew(path, []byte(key.String())); err != nil {
			return nil, err
		}
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key := new(secp256k1.PrivateKey)
	return key, key.UnmarshalText([]byte(`"` + strings.TrimSpace(string(text)) + `"`))
}

type genesisInput struct {
	NetworkID     uint32     `json:"networkID"`
	StakeKey      string     `json:"stakeKey"`  // the key file whose funds the initial validators stake
	FundKey       string     `json:"fundKey"`   // the key file whose P-chain funds pay for the L1
	Stake         uint64     `json:"stake"`     // nAVAX staked in all
	Funds         uint64     `json:"funds"`     // nAVAX on the P-chain for the L1's transactions
	StakeDuration uint64     `json:"stakeDuration"`
	Validators    []nodeKeys `json:"validators"`
	Message       string     `json:"message"`
}

// makeGenesis writes the network's genesis (-out) from -in: the houses' nodes as its initial
// validators, the stake and the P-chain funds, the local network's C-chain genesis.
func makeGenesis(args []string) (any, error) {
	flags := flag.NewFlagSet("genesis", flag.ContinueOnError)
	in := flags.String("in", "", "the genesis input (JSON)")
	out := flags.String("out", "", "the genesis file to write")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return nil, err
	}
	var input genesisInput
	if err := json.Unmarshal(raw, &input); err != nil {
		return nil, err
	}
	hrp := constants.GetHRP(input.NetworkID)
	addressOf := func(path string) (string, error) {
		key, err := readOrMakeKey(path)
		if err != nil {
			return "", err
		}
		return address.Format("X", hrp, key.Address().Bytes())
	}
	stakeAddr, err := addressOf(input.StakeKey)
	if err != nil {
		return nil, err
	}
	fundAddr, err := addressOf(input.FundKey)
	if err != nil {
		return nil, err
	}
	config := genesis.UnparsedConfig{
		NetworkID: input.NetworkID,
		Allocations: []genesis.UnparsedAllocation{
			{ETHAddr: "0x0000000000000000000000000000000000000000", AVAXAddr: stakeAddr,
				UnlockSchedule: []genesis.LockedAmount{{Amount: input.Stake}}},
			{ETHAddr: "0x0000000000000000000000000000000000000000", AVAXAddr: fundAddr, InitialAmount: input.Funds,
				UnlockSchedule: []genesis.LockedAmount{{Amount: input.Funds}}},
		},
		StartTime:                  uint64(time.Now().Add(-time.Minute).Unix()),
		InitialStakeDuration:       input.StakeDuration,
		InitialStakeDurationOffset: 0,
		InitialStakedFunds:         []string{stakeAddr},
		CChainGenesis:              genesis.LocalConfig.CChainGenesis,
		Message:                    input.Message,
	}
	for _, validator := range input.Validators {
		nodeID, err := ids.NodeIDFromString(validator.NodeID)
		if err != nil {
			return nil, err
		}
		config.InitialStakers = append(config.InitialStakers, genesis.UnparsedStaker{
			NodeID: nodeID, RewardAddress: stakeAddr, DelegationFee: 20_000, Signer: validator.Signer})
	}
	data, err := json.MarshalIndent(config, "", " ")
	if err != nil {
		return nil, err
	}
	if err := writeNew(*out, data); err != nil {
		return nil, err
	}
	return map[string]any{"genesis": *out, "stakeAddress": stakeAddr, "fundAddress": fundAddr}, nil
}

type l1Input struct {
	URI            string     `json:"uri"`
	FundKey        string     `json:"fundKey"`
	ChainName      string     `json:"chainName"`
	Genesis        string     `json:"genesis"` // the subnet-evm genesis file
	ManagerAddress string     `json:"managerAddress"`
	Weight         uint64     `json:"weight"`
	Balance        uint64     `json:"balance"` // nAVAX each validator's continuous fee draws on
	Validators     []nodeKeys `json:"validators"`
	SubnetID       string     `json:"subnetID"` // set when a run stopped after creating it
	ChainID        string     `json:"chainID"`
}

type l1Result struct {
	Step    string `json:"step"`
	ID      string `json:"id"` // the subnet's, the chain's or the conversion's transaction ID
	Seconds string `json:"seconds"`
}

// createL1 issues one of the P-chain transactions that make the consortium's L1 (-step): "subnet"
// creates its subnet (owned by the fund key), "chain" its subnet-evm chain, "convert" converts the
// subnet to an L1 whose validators are the houses' nodes. One step a run, so that the caller records
// each ID before the next transaction and a rerun never issues one twice.
func createL1(args []string) (any, error) {
	flags := flag.NewFlagSet("create-l1", flag.ContinueOnError)
	in := flags.String("in", "", "the L1 input (JSON)")
	step := flags.String("step", "", "subnet, chain or convert")
	if err := flags.Parse(args); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(*in)
	if err != nil {
		return nil, err
	}
	var input l1Input
	if err := json.Unmarshal(raw, &input); err != nil {
		return nil, err
	}
	key, err := readOrMakeKey(input.FundKey)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	kc := secp256k1fx.NewKeychain(key)
	ownerAddrs := []ids.ShortID{key.Address()}
	started := time.Now()
	var subnetID ids.ID
	config := primary.WalletConfig{}
	if *step != "subnet" {
		if subnetID, err = ids.FromString(input.SubnetID); err != nil {
			return nil, fmt.Errorf("subnet ID %q: %w", input.SubnetID, err)
		}
		config.SubnetIDs = []ids.ID{subnetID}
	}
	wallet, err := primary.MakePWallet(ctx, input.URI, kc, config)
	if err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	var tx *txs.Tx
	switch *step {
	case "subnet":
		tx, err = wallet.IssueCreateSubnetTx(&secp256k1fx.OutputOwners{Threshold: 1, Addrs: ownerAddrs})
	case "chain":
		var chainGenesis []byte
		if chainGenesis, err = os.ReadFile(input.Genesis); err != nil {
			return nil, err
		}
		tx, err = wallet.IssueCreateChainTx(subnetID, chainGenesis, constants.SubnetEVMID, nil, input.ChainName)
	case "convert":
		var chainID ids.ID
		if chainID, err = ids.FromString(input.ChainID); err != nil {
			return nil, fmt.Errorf("chain ID %q: %w", input.ChainID, err)
		}
		manager, err := hex.DecodeString(strings.TrimPrefix(input.ManagerAddress, "0x"))
		if err != nil {
			return nil, fmt.Errorf("manager address: %w", err)
		}
		owner := message.PChainOwner{Threshold: 1, Addresses: ownerAddrs}
		validators := make([]*txs.ConvertSubnetToL1Validator, 0, len(input.Validators))
		for _, validator := range input.Validators {
			nodeID, err := ids.NodeIDFromString(validator.NodeID)
			if err != nil {
				return nil, err
			}
			validators = append(validators, &txs.ConvertSubnetToL1Validator{
				NodeID: nodeID.Bytes(), Weight: input.Weight, Balance: input.Balance, Signer: *validator.Signer,
				RemainingBalanceOwner: owner, DeactivationOwner: owner,
			})
		}
		tx, err = wallet.IssueConvertSubnetToL1Tx(subnetID, chainID, manager, validators)
	default:
		return nil, fmt.Errorf("unknown step %q (subnet, chain or convert)", *step)
	}
	if err != nil {
		return nil, fmt.Errorf("%s (subnet %s): %w", *step, subnetID, err)
	}
	return l1Result{*step, tx.ID().String(), since(started)}, nil
}

func since(start time.Time) string {
	return fmt.Sprintf("%.2f", time.Since(start).Seconds())
}
