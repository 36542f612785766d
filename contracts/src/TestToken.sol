// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TestToken
/// @notice A minimal ERC-20 for the tests: anyone may mint. With `broken` set, balanceOf reverts, so
/// tests can show that one failing token is reported rather than failing the whole read.
contract TestToken {
    string public name;
    string public symbol;
    uint8 public immutable decimals;
    bool public immutable broken;
    uint256 public totalSupply;
    mapping(address => uint256) private balances;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, bool broken_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        broken = broken_;
    }

    function balanceOf(address owner) external view returns (uint256) {
        require(!broken, "balanceOf disabled");
        return balances[owner];
    }

    function mint(address to, uint256 value) external {
        totalSupply += value;
        balances[to] += value;
        emit Transfer(address(0), to, value);
    }

    /// @notice Mints the same amount plus i to each address i of the batch: cheap setup for many holders.
    function mintMany(address[] calldata to, uint256 base) external {
        for (uint256 i = 0; i < to.length; i++) {
            totalSupply += base + i;
            balances[to[i]] += base + i;
            emit Transfer(address(0), to[i], base + i);
        }
    }

    function transfer(address to, uint256 value) external returns (bool) {
        balances[msg.sender] -= value;
        balances[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        allowance[from][msg.sender] -= value;
        balances[from] -= value;
        balances[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}
