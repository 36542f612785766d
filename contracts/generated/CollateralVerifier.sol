// SPDX-License-Identifier: GPL-3.0
/*
    Copyright 2021 0KIMS association.

    This file is generated with [snarkJS](https://github.com/iden3/snarkjs).

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

pragma solidity >=0.7.0 <0.9.0;

contract CollateralVerifier {
    // Scalar field size
    uint256 constant r    = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    // Base field size
    uint256 constant q   = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // Verification Key data
    uint256 constant alphax  = 1389371492919202926825800983517522165209988128403928004546535894414394287873;
    uint256 constant alphay  = 18796137507099527473793100961211739427259286403635210527670388025741023053781;
    uint256 constant betax1  = 751896911144876661981478839514141006712201452009137293247652431464426805909;
    uint256 constant betax2  = 17385766520814043536038203096050566834928262113748504955155791171944803377408;
    uint256 constant betay1  = 19431940276379725525660211288091520343592702617076266784039479184339336722218;
    uint256 constant betay2  = 20660100865681744866137580641874956300886963444950250413790067435121369782054;
    uint256 constant gammax1 = 11559732032986387107991004021392285783925812861821192530917403151452391805634;
    uint256 constant gammax2 = 10857046999023057135944570762232829481370756359578518086990519993285655852781;
    uint256 constant gammay1 = 4082367875863433681332203403145435568316851327593401208105741076214120093531;
    uint256 constant gammay2 = 8495653923123431417604973247489272438418190587263600148770280649306958101930;
    uint256 constant deltax1 = 21870932664155956923511503524785387186262454991964068670678234959825840289392;
    uint256 constant deltax2 = 6062554924963916249954142484447323245918072133083884217074907452027215063620;
    uint256 constant deltay1 = 17523447240405542526605966792951461595848586818741730476090658630180533463058;
    uint256 constant deltay2 = 8588638676459291278488193324426235033922833603231267782049101879827745189117;

    
    uint256 constant IC0x = 12753386263399337998489779973998536870618966616106151339758634742132126047298;
    uint256 constant IC0y = 13346951952078740226981005529381053455480266582802279646727645386565002715933;
    
    uint256 constant IC1x = 11085087058007512179662959456142234409584323945728431811379560319969670653923;
    uint256 constant IC1y = 8582927542419565945540633474904827417564612827738710300209811660768735252288;
    
    uint256 constant IC2x = 10228411417609478316767615006651041585340793032284321078615879582740730799524;
    uint256 constant IC2y = 12501815430147499924438687491771846778665388631322730093193272149184143251283;
    
    uint256 constant IC3x = 4058762919383508108175693640633104044714881350868765901136198443091404315480;
    uint256 constant IC3y = 840218065754748039296208515283551320674525837773317360979213643947538765338;
    
    uint256 constant IC4x = 12049519366965611344279484292940728295257240900746648470800240716814997294147;
    uint256 constant IC4y = 11748880704397077489678753297836605106595842757983962103739761661186015292843;
    
    uint256 constant IC5x = 7495366965162825592064698844501798450989410124450604608423285151128862690531;
    uint256 constant IC5y = 14856089157312018755221251718815153416708094532344338954152334182224684906368;
    
    uint256 constant IC6x = 21597164176901472494769026214581413542429638267709863705714606951032494610083;
    uint256 constant IC6y = 19912807191104792447391766685393051140476906847645491960208531608321890399380;
    
    uint256 constant IC7x = 10224093288275624177373129721200415075125566135758647294728852444473920683925;
    uint256 constant IC7y = 2909884572783190009524387414777404511280110260103007288171479578051484407933;
    
    uint256 constant IC8x = 10809202586519141944925355768020255754412879894949938376017044861433716222226;
    uint256 constant IC8y = 16106326997185933938926733686554422457064816000862477847331233364729966116290;
    
    uint256 constant IC9x = 15733819146850237146458474258250055796376647306488492822866313606565333939900;
    uint256 constant IC9y = 17847578753415469211519169670297965827031075880942938117381329452601467942464;
    
    uint256 constant IC10x = 16031489513085204177030780770980816845404197633315910385781612081148685559576;
    uint256 constant IC10y = 7064122764648149082536491499234220097657965473237362373037247021160484969773;
    
    uint256 constant IC11x = 20285374379878704111774741851079778113527085324763069322465641211031680603828;
    uint256 constant IC11y = 6359481433444019503356467575072583946017926000899156270845423174751061372758;
    
    uint256 constant IC12x = 19821057982335703875563546006386121549399830636170325347364264107707056711903;
    uint256 constant IC12y = 6640640618690177155706975530792625303285452185098438713053008734484014190271;
    
    uint256 constant IC13x = 16675665154497657025286569913353703736450102860796516555809094130162343962634;
    uint256 constant IC13y = 3185571772450466785996586245898634925076661388961966499508143450525818216672;
    
    uint256 constant IC14x = 16488587385745547476180756594258870028311830315527517709448636346734529105424;
    uint256 constant IC14y = 13145170957798915830546153706470303537034795101787355222538952359057810590615;
    
    uint256 constant IC15x = 9028895746147418470114994501181129779159446198516096747666905978100503039613;
    uint256 constant IC15y = 15979286381909055999211332867092070221100501530247749067662428810240985868340;
    
    uint256 constant IC16x = 10642130538720589958871615980159523526999405041284425274673984714740387435658;
    uint256 constant IC16y = 16765589200357196925506044893770325387590107348216953334272073458944004045932;
    
 
    // Memory data
    uint16 constant pVk = 0;
    uint16 constant pPairing = 128;

    uint16 constant pLastMem = 896;

    function verifyProof(uint[2] calldata _pA, uint[2][2] calldata _pB, uint[2] calldata _pC, uint[16] calldata _pubSignals) public view returns (bool) {
        assembly {
            function checkField(v) {
                if iszero(lt(v, r)) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }
            
            // G1 function to multiply a G1 value(x,y) to value in an address
            function g1_mulAccC(pR, x, y, s) {
                let success
                let mIn := mload(0x40)
                mstore(mIn, x)
                mstore(add(mIn, 32), y)
                mstore(add(mIn, 64), s)

                success := staticcall(sub(gas(), 2000), 7, mIn, 96, mIn, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }

                mstore(add(mIn, 64), mload(pR))
                mstore(add(mIn, 96), mload(add(pR, 32)))

                success := staticcall(sub(gas(), 2000), 6, mIn, 128, pR, 64)

                if iszero(success) {
                    mstore(0, 0)
                    return(0, 0x20)
                }
            }

            function checkPairing(pA, pB, pC, pubSignals, pMem) -> isOk {
                let _pPairing := add(pMem, pPairing)
                let _pVk := add(pMem, pVk)

                mstore(_pVk, IC0x)
                mstore(add(_pVk, 32), IC0y)

                // Compute the linear combination vk_x
                
                g1_mulAccC(_pVk, IC1x, IC1y, calldataload(add(pubSignals, 0)))
                
                g1_mulAccC(_pVk, IC2x, IC2y, calldataload(add(pubSignals, 32)))
                
                g1_mulAccC(_pVk, IC3x, IC3y, calldataload(add(pubSignals, 64)))
                
                g1_mulAccC(_pVk, IC4x, IC4y, calldataload(add(pubSignals, 96)))
                
                g1_mulAccC(_pVk, IC5x, IC5y, calldataload(add(pubSignals, 128)))
                
                g1_mulAccC(_pVk, IC6x, IC6y, calldataload(add(pubSignals, 160)))
                
                g1_mulAccC(_pVk, IC7x, IC7y, calldataload(add(pubSignals, 192)))
                
                g1_mulAccC(_pVk, IC8x, IC8y, calldataload(add(pubSignals, 224)))
                
                g1_mulAccC(_pVk, IC9x, IC9y, calldataload(add(pubSignals, 256)))
                
                g1_mulAccC(_pVk, IC10x, IC10y, calldataload(add(pubSignals, 288)))
                
                g1_mulAccC(_pVk, IC11x, IC11y, calldataload(add(pubSignals, 320)))
                
                g1_mulAccC(_pVk, IC12x, IC12y, calldataload(add(pubSignals, 352)))
                
                g1_mulAccC(_pVk, IC13x, IC13y, calldataload(add(pubSignals, 384)))
                
                g1_mulAccC(_pVk, IC14x, IC14y, calldataload(add(pubSignals, 416)))
                
                g1_mulAccC(_pVk, IC15x, IC15y, calldataload(add(pubSignals, 448)))
                
                g1_mulAccC(_pVk, IC16x, IC16y, calldataload(add(pubSignals, 480)))
                

                // -A
                mstore(_pPairing, calldataload(pA))
                mstore(add(_pPairing, 32), mod(sub(q, calldataload(add(pA, 32))), q))

                // B
                mstore(add(_pPairing, 64), calldataload(pB))
                mstore(add(_pPairing, 96), calldataload(add(pB, 32)))
                mstore(add(_pPairing, 128), calldataload(add(pB, 64)))
                mstore(add(_pPairing, 160), calldataload(add(pB, 96)))

                // alpha1
                mstore(add(_pPairing, 192), alphax)
                mstore(add(_pPairing, 224), alphay)

                // beta2
                mstore(add(_pPairing, 256), betax1)
                mstore(add(_pPairing, 288), betax2)
                mstore(add(_pPairing, 320), betay1)
                mstore(add(_pPairing, 352), betay2)

                // vk_x
                mstore(add(_pPairing, 384), mload(add(pMem, pVk)))
                mstore(add(_pPairing, 416), mload(add(pMem, add(pVk, 32))))


                // gamma2
                mstore(add(_pPairing, 448), gammax1)
                mstore(add(_pPairing, 480), gammax2)
                mstore(add(_pPairing, 512), gammay1)
                mstore(add(_pPairing, 544), gammay2)

                // C
                mstore(add(_pPairing, 576), calldataload(pC))
                mstore(add(_pPairing, 608), calldataload(add(pC, 32)))

                // delta2
                mstore(add(_pPairing, 640), deltax1)
                mstore(add(_pPairing, 672), deltax2)
                mstore(add(_pPairing, 704), deltay1)
                mstore(add(_pPairing, 736), deltay2)


                let success := staticcall(sub(gas(), 2000), 8, _pPairing, 768, _pPairing, 0x20)

                isOk := and(success, mload(_pPairing))
            }

            let pMem := mload(0x40)
            mstore(0x40, add(pMem, pLastMem))

            // Validate that all evaluations ∈ F
            
            checkField(calldataload(add(_pubSignals, 0)))
            
            checkField(calldataload(add(_pubSignals, 32)))
            
            checkField(calldataload(add(_pubSignals, 64)))
            
            checkField(calldataload(add(_pubSignals, 96)))
            
            checkField(calldataload(add(_pubSignals, 128)))
            
            checkField(calldataload(add(_pubSignals, 160)))
            
            checkField(calldataload(add(_pubSignals, 192)))
            
            checkField(calldataload(add(_pubSignals, 224)))
            
            checkField(calldataload(add(_pubSignals, 256)))
            
            checkField(calldataload(add(_pubSignals, 288)))
            
            checkField(calldataload(add(_pubSignals, 320)))
            
            checkField(calldataload(add(_pubSignals, 352)))
            
            checkField(calldataload(add(_pubSignals, 384)))
            
            checkField(calldataload(add(_pubSignals, 416)))
            
            checkField(calldataload(add(_pubSignals, 448)))
            
            checkField(calldataload(add(_pubSignals, 480)))
            

            // Validate all evaluations
            let isValid := checkPairing(_pA, _pB, _pC, _pubSignals, pMem)

            mstore(0, isValid)
             return(0, 0x20)
         }
     }
 }
